import sys

from tests.benchmarks.bench_stack.run import main

sys.exit(main())
