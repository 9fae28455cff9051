/*
 * The bare parse-only baseline of the benchmark: read a CSV file, split every
 * field of every record, and convert the numeric ones to numbers. No rules, no
 * output. It is what "reading the file" costs, to compare stratify with.
 *
 *   cc -O2 -o parse_baseline parse_baseline.c && ./parse_baseline m1.csv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

/* A decimal number: optional '-', digits, optional fraction. */
static double number(const char *p, const char *end) {
    int negative = *p == '-';
    if (negative) p++;
    long whole = 0;
    while (p < end && *p >= '0' && *p <= '9') whole = whole * 10 + (*p++ - '0');
    double value = (double)whole;
    if (p < end && *p == '.') {
        double scale = 0.1;
        for (p++; p < end && *p >= '0' && *p <= '9'; p++, scale *= 0.1) value += (*p - '0') * scale;
    }
    return negative ? -value : value;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: parse_baseline FILE.csv\n"); return 2; }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { perror(argv[1]); return 2; }
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap + 1);
    long records = 0, fields = 0;
    double sum = 0;
    int header = 1;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) { perror("read"); return 2; }
        len += (size_t)n;
        size_t start = 0;
        char *nl;
        while ((nl = memchr(buf + start, '\n', len - start)) != NULL) {
            char *p = buf + start, *end = nl;
            if (!header) {
                records++;
                while (p <= end) {
                    char *comma = memchr(p, ',', (size_t)(end - p));
                    char *stop = comma ? comma : end;
                    fields++;
                    if (stop > p && ((*p >= '0' && *p <= '9') || *p == '-')) {
                        sum += number(p, stop);
                    }
                    p = stop + 1;
                }
            }
            header = 0;
            start = (size_t)(nl - buf) + 1;
        }
        memmove(buf, buf + start, len - start);
        len -= start;
        if (n == 0) break;
        if (len == cap) { cap *= 2; buf = realloc(buf, cap + 1); }
    }
    printf("%ld records, %ld fields, checksum %.1f\n", records, fields, sum);
    return 0;
}
