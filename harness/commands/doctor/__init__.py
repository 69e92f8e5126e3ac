"""`harness doctor`: the preflight checklist of a NetSuite target, and its run on sim or live.
May import the layers beneath the commands; never another command, cli or pytest_support.
"""
