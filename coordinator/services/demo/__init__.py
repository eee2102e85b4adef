"""The demo county.

- `setup`: a fresh database with the demo bundle imported around today, solved, published
- `day`: the simulated school day of `coordinator demo --simulate`
"""
