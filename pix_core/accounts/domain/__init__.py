"""Pix accounts beyond the GAR: e-mail + password login methods, masked hints."""
