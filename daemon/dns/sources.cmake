# c-ares resolver, RFC 3263 server location, FQDN watching.
list(APPEND VOXEDGE_DAEMON_SOURCES)
