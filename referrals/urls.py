"""URLs of referrals (/referrals/)."""

referral_patterns: tuple[list, str] = ([], "referrals")
