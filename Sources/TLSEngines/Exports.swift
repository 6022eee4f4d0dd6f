@_exported import TLSModel
