"""One screen per section plus Home; detail screens open over their section."""
