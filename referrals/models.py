"""Referrals models (the referrals issue fills this app)."""
