// warm-up page script (cacheable, see blank.html)
