import StratifyTestSupport

typealias Fixture = RepositoryFixtures
