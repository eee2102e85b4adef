"""The demo county.

- `setup`: a fresh database with the demo bundle imported around today, solved, published
- `history`: the weeks of the term before today played out (reports, a sick week, audit)
- `day`: the simulated school day of `coordinator demo --simulate`
"""
