"""The content bank: one YAML file per competence (``1.1.yaml`` … ``5.2.yaml``), read and
checked by ``evaluation.adapters.content_bank``. Challenges are original to this project."""
