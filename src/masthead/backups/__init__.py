"""`masthead backup` and `masthead restore`: the whole site (database, media, secret key) in one
checked archive, taken while the site serves, put back only into an empty data dir."""
