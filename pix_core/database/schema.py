"""The schema: every context's tables (and the roster's) on the one ``kernel.sql.base`` metadata.

Importing this module registers them all; the migrations (``migrations/``) must match it.
"""

from __future__ import annotations

from kernel.sql.base import Base
from pix_core.accounts.adapters.sql import tables as accounts_tables
from pix_core.campaigns.adapters.sql import tables as campaigns_tables
from pix_core.certification.adapters.sql import tables as certification_tables
from pix_core.evaluation.adapters.sql import tables as evaluation_tables
from pix_core.orga.adapters.sql import tables as orga_tables
from pix_core.shared.adapters.sql import rate_limit_counters
from roster.sql import tables as roster_tables

METADATA = Base.metadata
TABLE_MODULES = (accounts_tables, orga_tables, evaluation_tables, campaigns_tables,
                 certification_tables, rate_limit_counters, roster_tables)
