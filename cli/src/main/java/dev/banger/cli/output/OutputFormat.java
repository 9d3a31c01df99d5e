package dev.banger.cli.output;

/** The -o/--output choice of list and show verbs (OPS-7). */
public enum OutputFormat { table, json }
