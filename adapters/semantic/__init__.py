"""Sentence-embedding models behind ``knowledge.semantic.Embedder``."""
