"""Labelled example comments for tests: small, made up, obviously spam or obviously not."""

SPAM_TEXTS = [
    "Check out my channel and subscribe http://spam.example/win",
    "Subscribe to my channel for free money http://spam.example",
    "Cheap pills online, visit http://pills.example now",
    "Make money fast working from home http://cash.example",
    "Please subscribe to my channel, I make videos http://youtube.example/me",
    "Free gift card giveaway click http://gift.example",
    "Visit my website for cheap followers http://followers.example",
    "Earn $500 a day from home, click here http://earn.example",
    "Hey guys check out my new song and subscribe http://song.example",
    "Win an iPhone now, limited offer http://win.example",
    "Buy cheap watches http://watches.example best prices",
    "Like and subscribe to my channel please http://channel.example",
]
HAM_TEXTS = [
    "The harbour story was well reported, thank you.",
    "I disagree with the council's decision on the ferry timetable.",
    "My grandfather worked on those boats in the fifties.",
    "Good piece. The second paragraph explains the budget clearly.",
    "Does anyone know when the public meeting is?",
    "This is the best coverage of the election I have read.",
    "The photo of the old lighthouse brings back memories.",
    "I hope the bridge repairs finish before winter.",
    "Thanks for translating this article, very useful.",
    "The interview with the mayor was fair and balanced.",
    "Interesting to see how the fishing quotas changed.",
    "We walked along the coast path last weekend, lovely.",
]
