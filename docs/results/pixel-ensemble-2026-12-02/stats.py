import gzip, json, numpy as np
def idx(p):
    with gzip.open(p) as f: d=f.read()
    return np.frombuffer(d,np.uint8,offset=16).reshape(-1,28,28).astype(np.float32)/255
tr=idx('/work/main/data/fashion-mnist/train-images-idx3-ubyte.gz'); te=idx('/work/main/data/fashion-mnist/t10k-images-idx3-ubyte.gz')
dig=[]
for i in range(10):
    dig.append(np.array(json.load(open(f'/work/main/data/mnist-digits/{i}.json'))['data'],np.float32).reshape(-1,28,28))
mn=np.concatenate(dig); 
if mn.max()>1.5: mn/=255
def blur(x,r=2):
    out=np.zeros_like(x); n=np.zeros((28,28))
    p=np.pad(x,((0,0),(r,r),(r,r))); one=np.pad(np.ones((28,28)),r)
    for a in range(2*r+1):
        for b in range(2*r+1):
            out+=p[:,a:a+28,b:b+28]; n+=one[a:a+28,b:b+28]
    return out/n
def feats(x):
    dx=np.abs(np.diff(x,axis=2)).mean((1,2)); dy=np.abs(np.diff(x,axis=1)).mean((1,2))
    lap=np.abs(4*x[:,1:-1,1:-1]-x[:,:-2,1:-1]-x[:,2:,1:-1]-x[:,1:-1,:-2]-x[:,1:-1,2:]).mean((1,2))
    d2=x.reshape(-1,14,2,14,2).mean((2,4)); dx2=np.abs(np.diff(d2,axis=2)).mean((1,2)); dy2=np.abs(np.diff(d2,axis=1)).mean((1,2))
    m=x.mean((1,2)); s=x.std((1,2)); hi=(x>0.5).mean((1,2)); mid=((x>0.1)&(x<0.5)).mean((1,2))
    f=np.stack([dx,dy,lap,dx2,dy2,m,s,hi,mid],1)
    return np.log(f+1e-3)
def auroc(n,o):
    s=np.concatenate([n,o]); r=s.argsort().argsort(); return (r[len(n):].mean()-(len(o)-1)/2)/len(n)
rng=np.random.default_rng(0); idxs=rng.permutation(60000); fit=tr[idxs[:50000]]; cal=tr[idxs[50000:]]
F=feats(fit); mu=F.mean(0); C=np.cov(F.T)+1e-6*np.eye(F.shape[1]); P=np.linalg.inv(C)
def maha(x): d=feats(x)-mu; return np.einsum('ij,jk,ik->i',d,P,d)
sc=maha(cal); t=np.quantile(sc,0.99); st=maha(te)
print('test FPR',(st>t).mean())
for name,x in [('mnist',mn),('blur',blur(te)),('blur1',blur(te,1)),('invert',1-te)]:
    so=maha(x); print(name,'auroc %.4f det %.3f'%(auroc(st,so),(so>t).mean()))
print('--- subsets')
full=feats
for cols,name in [([0,1,2,3,4,5,6],'no-fractions'),([0,1,3,4,5],'grads+mean'),([0,1,2,5,6],'scale1')]:
    def f2(x,c=cols): return full(x)[:,c]
    F=f2(fit); mu=F.mean(0); C=np.cov(F.T); P=np.linalg.inv(C)
    def m2(x): d=f2(x)-mu; return np.einsum('ij,jk,ik->i',d,P,d)
    t=np.quantile(m2(cal),0.99); st=m2(te)
    print(name,'fpr %.4f'%(st>t).mean(), ' '.join('%s %.4f/%.3f'%(n,auroc(st,m2(x)),(m2(x)>t).mean()) for n,x in [('mnist',mn),('blur',blur(te)),('blur1',blur(te,1))]))
