"""The proxy's keys: the files it starts with, the keyring (next, current, retiring), rotation
into pysaml2's and pyop's configuration, key ages for ``/metrics`` (docs/adr/0006)."""
