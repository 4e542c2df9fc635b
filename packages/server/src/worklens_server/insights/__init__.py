"""Apps and sites: time per application and web domain, the company's productivity labels (with
per-team overrides), the productivity score, and fair activity (apps marked "active without
input"). See docs/architecture.md, "Apps, sites and fair activity"."""
