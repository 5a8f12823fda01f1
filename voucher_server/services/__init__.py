"""The central API's rules, callable without HTTP: each function takes the server's Context and the caller."""
