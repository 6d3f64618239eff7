# sources arrive with the RTP work
