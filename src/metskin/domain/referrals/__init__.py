"""The referrals component."""
