# sources arrive with the SDP work
