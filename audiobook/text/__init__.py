"""Text helpers every stage may use: speech normalisation, lexicons, number words, what the engine is given to read."""
