"""Reads for apps and sites: labels (labels.py), the report (report.py), the labelling page's
list (unlabelled.py) and fair activity (fair.py). Each reads only members the viewer may see
(companies.selectors.get_visible_members) or a member the caller found so."""
