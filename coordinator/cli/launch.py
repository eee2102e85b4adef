"""When the command was launched: the first of coordinator's modules that the command line
loads, so a time limit (`solve --time-limit`) counts the loading of the solver's libraries."""

import time

LAUNCHED = time.monotonic()
