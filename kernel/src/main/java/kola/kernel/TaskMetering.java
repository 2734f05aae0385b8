package kola.kernel;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a task's verified classes so that their code is metered (see {@link Meter}): every
 * method's code is cut into blocks at its entry and at every label something jumps to (branch and
 * switch targets, exception handlers), and each block starts with a call
 * {@code Meter.charge(n)}, n the number of instructions up to the next block. Every loop goes
 * through a branch target, so a task that never calls the kernel still reaches the meter, and
 * the preemption point, each time round.
 */
final class TaskMetering {
    private static final ClassDesc METER = ClassDesc.of(Meter.class.getName());
    private static final MethodTypeDesc CHARGE = MethodTypeDesc.ofDescriptor("(I)V");

    private TaskMetering() {
    }

    /** The metered class files of {@code own} (by internal name), by binary name. */
    static Map<String, byte[]> meter(Map<String, ClassModel> own) {
        ClassHierarchyResolver ownClasses = desc -> {
            String s = desc.descriptorString();
            ClassModel cm = own.get(s.substring(1, s.length() - 1));
            if (cm == null) {
                return null;
            }
            return cm.flags().has(AccessFlag.INTERFACE) ? ClassHierarchyResolver.ClassHierarchyInfo.ofInterface()
                    : ClassHierarchyResolver.ClassHierarchyInfo.ofClass(cm.superclass().map(ClassEntry::asSymbol).orElse(null));
        };
        ClassHierarchyResolver resolver = ownClasses
                .orElse(ClassHierarchyResolver.defaultResolver())
                .orElse(ClassHierarchyResolver.ofClassLoading(kola.abi.Program.class.getClassLoader()));
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (var e : own.entrySet()) {
            ClassModel cm = e.getValue();
            byte[] bytes = cf.transformClass(cm, (cb, ce) -> {
                if (ce instanceof MethodModel mm && mm.code().isPresent()) {
                    cb.transformMethod(mm, MethodTransform.transformingCode(new Blocks(mm.code().get())));
                } else {
                    cb.with(ce);
                }
            });
            out.put(e.getKey().replace('/', '.'), bytes);
        }
        return out;
    }

    /** The charge calls of one method's code. */
    private static final class Blocks implements CodeTransform {
        private Map<Label, Integer> counts;
        private final int entry;

        Blocks(CodeModel code) {
            entry = count(code);
        }

        @Override
        public void atStart(CodeBuilder b) {
            if (entry > 0) {
                charge(b, entry);
            }
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            b.with(e);
            if (e instanceof LabelTarget lt) {
                Integer n = counts.get(lt.label());
                if (n != null && n > 0) {
                    charge(b, n);
                }
            }
        }

        /** Fills {@link #counts}; returns the instruction count of the entry block. */
        private int count(CodeModel code) {
            Set<Label> targets = new HashSet<>();
            for (CodeElement e : code) {
                switch (e) {
                    case BranchInstruction br -> targets.add(br.target());
                    case TableSwitchInstruction ts -> {
                        targets.add(ts.defaultTarget());
                        for (SwitchCase c : ts.cases()) {
                            targets.add(c.target());
                        }
                    }
                    case LookupSwitchInstruction ls -> {
                        targets.add(ls.defaultTarget());
                        for (SwitchCase c : ls.cases()) {
                            targets.add(c.target());
                        }
                    }
                    case ExceptionCatch ec -> targets.add(ec.handler());
                    default -> { }
                }
            }
            counts = new HashMap<>();
            int entry = 0;
            Label block = null;
            for (CodeElement e : code) {
                if (e instanceof LabelTarget lt && targets.contains(lt.label())) {
                    block = lt.label();
                    counts.put(block, 0);
                } else if (e instanceof Instruction) {
                    if (block == null) {
                        entry++;
                    } else {
                        counts.merge(block, 1, Integer::sum);
                    }
                }
            }
            return entry;
        }

        private static void charge(CodeBuilder b, int n) {
            b.loadConstant(n);
            b.invokestatic(METER, "charge", CHARGE);
        }
    }
}
