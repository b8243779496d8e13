"""One citation record per entry, and the styles it is printed in."""
