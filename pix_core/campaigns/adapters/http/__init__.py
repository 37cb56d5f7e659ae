"""Campaign pages: Pix Orga's (create, list, dashboard, CSV, archive) and the pupil's."""
