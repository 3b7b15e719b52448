"""Tables of the integrity domain."""
