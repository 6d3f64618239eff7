# SRTP (RFC 3711) with SDES keying (RFC 4568) over libsrtp2.
list(APPEND VOXEDGE_MEDIA_SOURCES)
