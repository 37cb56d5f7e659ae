"""The home page, the GAR login (start, callback, logout) and Pix Orga's login page."""
