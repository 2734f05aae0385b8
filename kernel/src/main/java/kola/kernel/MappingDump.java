package kola.kernel;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Fpage;

/**
 * Formats a mapping-database snapshot for the kernel debugger and the demos: one line per space
 * and, under it, one line per run of mappings (consecutive pages of consecutive frames with the
 * same rights and memory attribute from the same parent space), so that sigma0's large identity
 * mappings stay short. A page whose memory attribute is not the default (MemoryControl) shows it
 * after its rights: {@code NC} or {@code IO}.
 */
public final class MappingDump {
    /** The parent asid of a mapping whose parent the viewer may not see (another space's state). */
    static final int HIDDEN = -2;

    private MappingDump() {
    }

    /** The lines for {@code mappings} (as {@link Kernel#mappings()} gives them) of {@code spaces}. */
    public static List<String> lines(List<Kernel.Mapping> mappings, List<Kernel.SpaceInfo> spaces) {
        List<String> out = new ArrayList<>();
        for (Kernel.SpaceInfo s : spaces) {
            List<Kernel.Mapping> mine = mappings.stream().filter(m -> m.asid() == s.asid()).toList();
            out.add(String.format("%-12s %d mapping%s", s.name(), mine.size(), mine.size() == 1 ? "" : "s"));
            int i = 0;
            while (i < mine.size()) {
                Kernel.Mapping first = mine.get(i);
                int j = i + 1;
                while (j < mine.size() && continues(mine.get(j - 1), mine.get(j))) {
                    j++;
                }
                Kernel.Mapping last = mine.get(j - 1);
                String pages = j - i == 1 ? "" : " (" + (j - i) + " pages)";
                String from = first.parentAsid() == HIDDEN ? "mapped to it"
                        : first.parentAsid() < 0 ? "sigma0's own"
                        : "from " + first.parentSpace() + " 0x" + Long.toHexString(first.parentVa());
                String attribute = first.attributeName().isEmpty() ? "" : " " + first.attributeName();
                out.add(String.format("    0x%09x%s -> frame 0x%x%s  %s%s  %s", first.va(),
                        j - i == 1 ? "" : String.format("-0x%09x", last.va() + 0xFFF), first.pfn(), pages,
                        Fpage.rightsString(first.rights()), attribute, from));
                i = j;
            }
        }
        return out;
    }

    private static boolean continues(Kernel.Mapping a, Kernel.Mapping b) {
        return b.va() == a.va() + 4096 && b.pfn() == a.pfn() + 1 && b.rights() == a.rights() && b.attribute() == a.attribute()
                && b.parentAsid() == a.parentAsid() && (a.parentAsid() < 0 || b.parentVa() == a.parentVa() + 4096);
    }
}
