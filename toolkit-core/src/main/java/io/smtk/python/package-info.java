/**
 * Python value semantics for hyperparameters: {@code json.loads}, {@code json.dumps}, {@code str()}
 * and {@code repr()} reproduced byte for byte on Jackson trees.
 */
package io.smtk.python;
