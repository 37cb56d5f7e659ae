"""GAR simulator and simulated ENT médiacentre: development and tests only.

Never enabled by production configuration. Entry points: :func:`gar_sim.idp.create_idp_app`,
:func:`gar_sim.ent.create_ent_app`, :func:`gar_sim.signed_metadata.write_idp_metadata`,
:class:`gar_sim.idp.SimulatedGar`, :class:`gar_sim.settings.SimSettings`.
"""
