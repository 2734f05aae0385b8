package kola.kernel;

import java.util.Locale;

/** The communication-control models a kernel boots with (paper section 4.1; see {@link kola.abi.Comm}). */
public enum CommModel {
    GLOBAL_IDS, CLANS, REDIRECTION, REDIRECTORS, PCLANS, VIRTUAL_THREADS, CAPABILITIES;

    /** The model's word in the KIP ({@link kola.abi.Kip#commModel()}: {@code kola.abi.Comm.MODEL_*}). */
    public int kipWord() {
        return switch (this) {
            case GLOBAL_IDS -> kola.abi.Comm.MODEL_GLOBAL_IDS;
            case CLANS -> kola.abi.Comm.MODEL_CLANS;
            case REDIRECTION -> kola.abi.Comm.MODEL_REDIRECTION;
            case REDIRECTORS -> kola.abi.Comm.MODEL_REDIRECTORS;
            case PCLANS -> kola.abi.Comm.MODEL_PCLANS;
            case VIRTUAL_THREADS -> kola.abi.Comm.MODEL_VIRTUAL_THREADS;
            case CAPABILITIES -> kola.abi.Comm.MODEL_CAPABILITIES;
        };
    }

    /** The model's name on the command line: {@code global-ids}, {@code clans}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The model named {@code label}; IllegalArgumentException naming the choices if there is none. */
    public static CommModel of(String label) {
        for (CommModel m : values()) {
            if (m.label().equals(label)) {
                return m;
            }
        }
        StringBuilder names = new StringBuilder();
        for (CommModel m : values()) {
            names.append(names.isEmpty() ? "" : ", ").append(m.label());
        }
        throw new IllegalArgumentException("unknown communication model '" + label + "' (one of " + names + ")");
    }
}
