"""The relatedness engine: plain Python (numpy, scipy, scikit-learn), no Django.

    text        what an article says, as one string, and how that string is cut into words
    terms       counting the terms of many texts at once, hashed into columns
    textmodel   the fitted model (IDF, LSA projection) that turns texts into vectors
    neighbours  the in-memory index of vectors, scoring, and the ranked related lists
    semantic    the optional sentence-embedding plug-in

The Django glue beside it (`masthead.related`: build, update, vectors, lists) keeps the model
and the vectors in the database and feeds this package plain values.
"""
