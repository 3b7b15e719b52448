"""Huanxin (换新): platform for the equipment renewal and consumer-goods trade-in programme."""
