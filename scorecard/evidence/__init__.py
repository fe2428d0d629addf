"""Git evidence: mining a repository's history for signs of ML technical debt, with git's own numbers.

Read it in this order (each module is one idea, and says in its docstring what it is for):

- running git and reading history: ``git`` (the only module that starts git), ``history`` (the passes over
  history), ``reading`` (the new history into ``frames``);
- what a scan looks for: ``patterns`` (scan settings: flag patterns, exclusions), ``filekinds``,
  ``findings`` (what one file version holds), ``replay`` and ``chain_findings`` (flags and debt comments
  along HEAD's first-parent chain); ``head_contents`` (what HEAD's files hold, read once per blob) and
  ``python_source`` (framework imports and threshold literals in one Python file);
- the running state: ``checkpoint``, advanced commit batch by batch and stored for the next rescan;
- one module per analysis: ``churn``, ``lines``, ``coupling``, ``ownership``, ``flags``, ``debt_comments``,
  ``ml_metrics``, put together under the metric contract's names by ``measurement``, with ``examples`` (what
  is behind each value);
- ``repository_scan`` scans one repository; ``records`` is what it hands to the store; ``team`` rolls repositories up.
"""
