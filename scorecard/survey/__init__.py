"""Surveys: question banks, answers files, scoring, contradictions with the evidence, the headless session.

Pure apart from reading bank and answers files: no database (the session writes through a protocol the store
meets), no git, no Textual.
"""
