/// The documented exit statuses of every command.
enum ExitStatus: Int32, Error {
    /// Everything was scored (or checked, or passed).
    case success = 0
    /// Some records were rejected (`score`, `explain`), a rule test failed
    /// (`test`), or warnings under `--strict` (`check`).
    case partial = 1
    /// A usage error, a rule file that does not load, an input that cannot be
    /// read or has no usable header, every record rejected, more rejected
    /// records than `--max-rejected`, or an output that cannot be written.
    case failure = 2
    /// `explain --patient`: a patient asked for was not explained (no scored
    /// record has that identifier). It takes precedence over 1 (it is what
    /// was asked for); 2 takes precedence over it (nothing was scored, or the
    /// run stopped before it saw every record).
    case patientNotFound = 3
    /// SIGINT (Ctrl-C) stopped a batch: 128 + 2, as shells report it.
    case interrupted = 130
    /// SIGTERM stopped a batch: 128 + 15.
    case terminated = 143

    static let help = """
        Exit status:
          0  success: every record was scored (an input with no records: a warning)
          1  some records were rejected (each is reported with its record number and field);
             for `check --strict`, warnings; for `test`, a failing case
          2  usage error, rule-file error, unreadable or unusable input, or I/O error:
             nothing was scored; also when every record was rejected (reported as for 1),
             and past --max-rejected (the --output and --errors files are not written)
          3  explain --patient: a patient asked for has no scored record (even if
             records were also rejected; 2 wins over 3)
          130, 143  stopped by SIGINT (Ctrl-C) or SIGTERM: the --output and --errors
             files were not written
        """
}
