"""`harness reconcile`: the orders a store really has against the Sales Orders NetSuite holds
(`compare`), the store's side read from its REST API or an export (`storeorders`).
May import the layers beneath the commands; never another command, cli or pytest_support.
"""
