"""The scenario catalogue: scenario specs, expectations, NetSuite-side settings (role,
credential) and the orders each scenario pushes. May import `woo`, `landing.verdict`
(the categories) and the YAML loader; nothing below imports it but the layers on top."""
