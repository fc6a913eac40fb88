"""The paper's results checked on given tasks: each hypothesis and conclusion decided
exactly (or left undecided with the reason). ``proofs/`` holds one thin script each.
"""
