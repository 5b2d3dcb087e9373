import ai.onnxruntime.*;
import io.energysentinel.trainer.data.*;
import io.energysentinel.trainer.evaluation.Corruptions;
import java.nio.FloatBuffer;
import java.nio.file.*;
import java.util.*;

public class DumpScores {
    public static void main(String[] a) throws Exception {
        Path bundle = Path.of(a[0]);
        String out = a[1];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession s = env.createSession(bundle.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
        ImageDataset test = FashionMnist.load(Path.of("/work/main/data/fashion-mnist"), FashionMnist.Split.TEST);
        ImageDataset mnist = MnistDigitsJson.load(Path.of("/work/main/data/mnist-digits"));
        Map<String, float[][]> sets = new LinkedHashMap<>();
        sets.put("test", test.pixels());
        sets.put("mnist", mnist.pixels());
        sets.put("blur", Corruptions.blur(test.pixels(), 28, 2));
        sets.put("glyphs", RenderedImages.glyphs(2000, 28, 7).pixels());
        sets.put("shapes", RenderedImages.shapes(2000, 28, 8).pixels());
        sets.put("scribbles", RenderedImages.scribbles(2000, 28, 9).pixels());
        for (var e : sets.entrySet()) {
            float[][] x = e.getValue();
            StringBuilder sb = new StringBuilder("deep_mahalanobis,energy,mahalanobis\n");
            for (int start = 0; start < x.length; start += 256) {
                int n = Math.min(256, x.length - start);
                float[] flat = new float[n * 784];
                for (int i = 0; i < n; i++) System.arraycopy(x[start + i], 0, flat, i * 784, 784);
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {n, 1, 28, 28});
                     OrtSession.Result r = s.run(Map.of("input", t))) {
                    float[] d = (float[]) r.get("deep_mahalanobis").get().getValue();
                    float[] en = (float[]) r.get("energy").get().getValue();
                    float[] m = (float[]) r.get("mahalanobis").get().getValue();
                    for (int i = 0; i < n; i++) sb.append(d[i]).append(',').append(en[i]).append(',').append(m[i]).append('\n');
                }
            }
            Files.writeString(Path.of(out, e.getKey() + ".csv"), sb);
            // pixels too, for python
            StringBuilder px = new StringBuilder();
            Files.write(Path.of(out, e.getKey() + ".f32"), toBytes(x));
        }
    }
    static byte[] toBytes(float[][] x) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(x.length * x[0].length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float[] r : x) for (float v : r) b.putFloat(v);
        return b.array();
    }
}
