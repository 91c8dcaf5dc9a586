"""The reliability suite: what an operator must be able to trust, measured end to end.

Every scenario runs the real ``python -m bot serve --webhook`` processes against the fake
Bot API (``tests/fake_telegram``) and checks the database and the fake's log afterwards.
``scenarios.py`` holds the scenarios as plain functions returning their figures; the
``test_*.py`` modules run them at CI sizes; ``python3 -m tests.reliability [--full]`` runs
them all and prints a Markdown table for the README.
"""
