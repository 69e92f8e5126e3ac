"""What a wrong landing means: each mismatch's cause, told in words the reader acts on.

`evidence` picks an order's requests out of a call log; `wording` and its siblings turn the
mismatches of one cause into a sentence, a hint and the evidence to quote; `representation`
spots a connector carrying something in another shape than the expectation (net prices for
a discount, shipping or tax as item lines); `categories` ranks the causes so one diagnosis
names the primary and lists the others.
"""
