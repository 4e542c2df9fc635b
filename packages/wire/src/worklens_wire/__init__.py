"""The WorkLens wire contract. Import versioned models from `worklens_wire.v1`."""

from worklens_wire.ids import new_id

__all__ = ["new_id"]
