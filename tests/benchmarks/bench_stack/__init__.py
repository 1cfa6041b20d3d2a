"""`make bench`: the production stack (`make serve`) under load, each speed measured as a ratio to
a ceiling measured in the same run (issue #8). Run `python -m tests.benchmarks.bench_stack
--help`; the README's "Benchmark" section says how to read it."""
