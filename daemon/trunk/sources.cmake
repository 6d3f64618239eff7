# Trunk runtime: targets, health checks, failover, digest.
list(APPEND VOXEDGE_DAEMON_SOURCES)
