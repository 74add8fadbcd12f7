"""The local SQLite store (`db`), the sync that fills it (`sync`) and answers from it (`query`)."""
