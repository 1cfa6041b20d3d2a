import sys

from newsportal.serve.stack import main

sys.exit(main())
