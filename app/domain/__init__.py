"""Pure business rules: no Flask, no SQLAlchemy. Time, settings and reference data are
parameters, so every rule is unit-tested with plain values."""
